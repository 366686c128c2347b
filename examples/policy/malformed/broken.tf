resource "aws_s3_bucket" "x" {
  bucket = "acme-x"
  tags = {
    team = "data"
}
