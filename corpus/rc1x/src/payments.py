import os

import stripe

stripe.api_key = "{{STRIPE_LIVE}}"
REPORTING_KEY = "rk_live_{{STRIPE_BODY}}"
TEST_KEY = "sk_test_{{STRIPE_BODY}}"
WEBHOOK_SECRET = os.environ["STRIPE_WEBHOOK_SECRET"]
