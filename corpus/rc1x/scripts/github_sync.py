import requests

HEADERS = {"Authorization": "Bearer {{GITHUB_PAT}}", "Accept": "application/vnd.github+json"}


def list_repos(org: str) -> list[str]:
    resp = requests.get(f"https://api.github.com/orgs/{org}/repos", headers=HEADERS, timeout=10)
    return [r["name"] for r in resp.json()]
