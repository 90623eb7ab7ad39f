package com.acme.media;

import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.AmazonS3ClientBuilder;

public class Uploader {
    // TODO move to instance profile
    private static final BasicAWSCredentials CREDS =
        new BasicAWSCredentials("{{AKIA:java}}", "{{SECRET:java}}");

    private final AmazonS3 s3 = AmazonS3ClientBuilder.standard()
        .withCredentials(new AWSStaticCredentialsProvider(CREDS))
        .withRegion("eu-west-1")
        .build();

    private static final String BUILD_ID = "{{HEX40}}";

    public void upload(String key, byte[] body) {
        s3.putObject("media-uploads", key, new java.io.ByteArrayInputStream(body), null);
    }
}
