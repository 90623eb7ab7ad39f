from anthropic import Anthropic
from openai import OpenAI

openai_client = OpenAI(api_key="{{OPENAI}}")
claude = Anthropic(api_key="{{ANTHROPIC}}")

# Not OpenAI keys: a Stripe-style id and a sort key.
SKU_PREFIX = "sk-2024-winter-collection"
SORT_KEY = "sk-{{HEX32}}"
