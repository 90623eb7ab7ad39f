# Python 2 script kept for the old cron box.
import os
import boto

conn = boto.connect_s3(aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
                       aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])
print "connected to", conn
