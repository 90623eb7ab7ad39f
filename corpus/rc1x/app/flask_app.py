import os

from flask import Flask

app = Flask(__name__)
app.secret_key = "{{HEX32}}"

admin = Flask("admin")
admin.config["SECRET_KEY"] = os.environ["ADMIN_SECRET_KEY"]
admin.config["SESSION_COOKIE_SECURE"] = True


@app.route("/healthz")
def healthz() -> str:
    return "ok"
