package com.example.reports;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Properties;

public class Report {
    private static final String URL =
        "jdbc:awsathena://AwsRegion=us-east-1;S3OutputLocation=s3://example-results/";

    public Connection connect() throws Exception {
        Properties info = new Properties();
        info.put("User", "{{AKIA}}");
        info.put("Password", "{{SECRET}}");
        return DriverManager.getConnection(URL, info);
    }

    public Connection connectV3() throws Exception {
        return DriverManager.getConnection(
            "jdbc:athena://Region=us-east-1;AccessKeyId={{AKIA}};SecretAccessKey={{SECRET}};");
    }
}
