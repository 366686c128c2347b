resource "aws_s3_bucket" "raw" {
  bucket = "acme-raw"
  acl    = "public-read"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "raw" {
  bucket = aws_s3_bucket.raw.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_iam_role_policy" "etl" {
  name = "etl"
  role = "etl"
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::acme-raw/*"}
      ]
    }
  EOT
}

resource "google_storage_bucket" "exports" {
  name     = "acme-exports"
  location = "EU"
}
