"""Writers: the only code in vpcaudit that changes anything in an AWS account, each on its own client."""
