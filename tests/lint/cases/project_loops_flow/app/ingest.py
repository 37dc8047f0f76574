"""AWS Lambda entry points: a scheduled ingestion and an SQS consumer."""
from app import llm


def fetch_articles():
    return []


def handler(event, context):
    # scheduled: the event carries no items; the job loops over what it fetched
    articles = fetch_articles()
    for article in articles:
        llm.extract(article)


def sqs_handler(event, context):
    # per request: the loop is over the event's own records
    for record in event["Records"]:
        llm.parse_record(record["body"])
