package storage

import (
	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/aws/credentials"
	"github.com/aws/aws-sdk-go/aws/session"
)

// NewSession returns a session for the archive bucket.
func NewSession() (*session.Session, error) {
	return session.NewSession(&aws.Config{
		Region: aws.String("eu-north-1"),
		Credentials: credentials.NewStaticCredentials(
			"{{AKIA:go}}",
			"{{SECRET:go}}",
			"",
		),
	})
}

// Roles are looked up by id in the audit job, never used as credentials.
var auditedRoles = []string{"{{AROA}}", "{{AIDA}}"}
