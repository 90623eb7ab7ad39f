from fastapi import FastAPI
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    jwt_secret: str
    database_url: str


app = FastAPI()
PEM_HEADER = "-----BEGIN RSA PRIVATE KEY-----"
SIGNING_KEY = """{{RSA_PEM}}"""
