# Adopt an existing weighted CNAME pair whose set identifiers are "heroku" and "aws".
terraform import heroku2aws_weighted_dns_record.api Z0123456789ABCDEFGHIJ_api.acme.com_CNAME
