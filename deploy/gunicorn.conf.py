"""gunicorn's settings for Bimtek (`gunicorn -c deploy/gunicorn.conf.py bimtek.wsgi`).

Options on the command line win over these, e.g. `--bind 127.0.0.1:8001 --workers 2`.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# One process per core, each with 8 threads: threads keep a worker answering check-ins while
# another request waits on the database or renders a PDF. On 2 cores, 2 x 8 gave the burst of 500
# check-ins its shortest tail (p95 about 210-250 ms, against 370-430 ms for 3 or 4 x 4); see
# benchmarks/checkin_burst.py.
workers = int(os.environ.get("WEB_CONCURRENCY", str(max(2, os.cpu_count() or 2))))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# A worker takes no more connections than it has threads; the rest wait in the kernel's queue
# for whichever worker frees a thread first. Otherwise one worker may take most of a burst and
# its queue sets the tail: p95 of the check-in burst 144-162 ms with this, 188-265 ms without.
# nginx opens a connection per request (no keep-alive upstream), so no idle connection holds a
# thread's place.
worker_connections = threads
# A merged PDF of a large training takes a while; anything slower belongs in the task worker.
timeout = 120
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200
# nginx already logs every request; gunicorn logs its errors.
errorlog = "-"
# gunicorn 27's control socket (~/.gunicorn/gunicorn.ctl) is not used; two instances would share it.
control_socket_disable = True
