#!/bin/bash
AWS_ACCESS_KEY_ID={{AKIA:inline}} AWS_SECRET_ACCESS_KEY={{SECRET:inline}} aws s3 ls s3://example-reports/
