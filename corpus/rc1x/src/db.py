import os

from sqlalchemy import create_engine


def engine_for(user: str, password: str, host: str):
    return create_engine(f"postgresql://{user}:{password}@{host}:5432/app")


LOCAL = create_engine("postgresql://postgres:postgres@localhost:5432/app")
FROM_ENV = create_engine(os.environ["DATABASE_URL"])
TEMPLATE = "mysql://%(user)s:%(password)s@%(host)s/app"
MASKED = "amqp://svc:****@mq.internal:5672/"
ANALYTICS = create_engine("mysql+pymysql://analyst:{{PASSWORD}}@analytics-db.internal/warehouse")
