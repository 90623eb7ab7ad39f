require 'aws-sdk-s3'

# Uploads reports to the shared bucket.
class ReportStore
  CREDS = Aws::Credentials.new('{{AKIA:rb}}', '{{SECRET:rb}}')

  def initialize(bucket: 'reports')
    @s3 = Aws::S3::Client.new(region: 'eu-west-1', credentials: CREDS)
    @bucket = bucket
  end

  def put(key, body)
    @s3.put_object(bucket: @bucket, key: key, body: body)
  end
end
