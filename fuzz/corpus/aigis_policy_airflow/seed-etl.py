"""Daily event ETL: curated events to features, credentials from connections."""
import datetime

from airflow import DAG
from airflow.providers.amazon.aws.transfers.s3_to_redshift import S3ToRedshiftOperator
from airflow.providers.google.cloud.transfers.s3_to_gcs import S3ToGCSOperator

CURATED = "s3://acme-curated/events/"

with DAG(
    dag_id="etl_events",
    schedule="@daily",
    start_date=datetime.datetime(2026, 1, 1),
    catchup=False,
    tags=["events"],
) as dag:
    to_features = S3ToGCSOperator(
        task_id="to_features",
        bucket="acme-curated",
        prefix="events/",
        dest_gcs="gs://acme-features/events/",
        aws_conn_id="aws_events_reader",
    )
    load = S3ToRedshiftOperator(
        task_id="load_warehouse",
        s3_bucket="acme-curated",
        s3_key="events/{{ ds }}/",
        schema="analytics",
        table="events",
        redshift_conn_id="redshift_etl",
        aws_conn_id="aws_events_reader",
    )
    to_features >> load
