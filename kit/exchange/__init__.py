"""Exchange with the world outside the session: the workbook intake and the AWS Well-Architected Tool.

Same layer as the app: it builds on the core and on ``kit.render`` (the workbook's columns),
and nothing below it imports it. boto3 is an optional extra (``pillarkit[aws]``), imported
only where the WA Tool is reached.
"""
