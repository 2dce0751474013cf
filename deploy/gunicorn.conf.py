"""gunicorn's settings for Bimtek (`gunicorn -c deploy/gunicorn.conf.py bimtek.wsgi`).

Options on the command line win over these, e.g. `--bind 127.0.0.1:8001 --workers 2`.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Threads keep a worker answering check-ins while another request renders a PDF.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "gthread"
threads = 4
# A merged PDF of a large training takes a while; anything slower belongs in the task worker.
timeout = 120
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
# gunicorn 27's control socket (~/.gunicorn/gunicorn.ctl) is not used; two instances would share it.
control_socket_disable = True
