"""A DAG that reads raw data and carries its own credentials."""
from datetime import datetime

from airflow import DAG
from airflow.providers.amazon.aws.operators.s3 import S3CopyObjectOperator
from airflow.providers.postgres.operators.postgres import PostgresOperator

AWS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
db_password = "Tr0ub4dor&3-prod"

with DAG("etl_raw", schedule="@hourly", start_date=datetime(2026, 1, 1)) as dag:
    copy = S3CopyObjectOperator(
        task_id="copy_raw",
        source_bucket_key="s3://acme-raw/calls/{{ ds }}/",
        dest_bucket_key="s3://acme-scratch/calls/{{ ds }}/",
        aws_conn_id="aws_default",
    )
    load = PostgresOperator(
        task_id="load",
        sql="COPY calls FROM 's3://acme-scratch/calls/'",
        postgres_conn_id="warehouse",
    )
    copy >> load
