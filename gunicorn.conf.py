"""gunicorn's settings for every web process (it reads ./gunicorn.conf.py from the directory it starts in).

``make run`` (scripts/run), the page benchmark, the kill-under-load check and the deployment recipe
start gunicorn from the project's root, so all of them get these; the command line still gives the
bind address, the workers and the threads.

``reuse_port``: each worker listens on its own socket (SO_REUSEPORT) and the kernel spreads new
connections over them. With the one shared socket, whichever worker wakes first accepted all the
connections that arrived together and kept them alive, so one worker (one core, one GIL) served
every request while the other idled: a third of the throughput at 32 keep-alive connections, in
about half the benchmark's runs (docs/decisions/0011-one-socket-per-worker.md).
"""

reuse_port = True
