import pyodbc

CONN = (
    "Driver=Amazon Athena ODBC Driver;"
    "AwsRegion=us-west-2;"
    "AuthenticationType=IAM Credentials;"
    "UID={{AKIA}};"
    "PWD={{SECRET}};"
)

def run(sql):
    with pyodbc.connect(CONN, autocommit=True) as conn:
        return conn.execute(sql).fetchall()
