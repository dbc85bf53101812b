"""The outermost layer of every request: its id for the log lines (ops.logs) and its count and time for the
metrics (ops.metrics).

One middleware for both: every layer of the chain costs every request, the bare ones too (bench/peer.py
--ceiling), and these two always wrap the same span.
"""

from time import perf_counter

from pengaduan.ops import logs, metrics


class ObservedRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = perf_counter()
        request_id, token = logs.begin_request(request)
        try:
            response = self.get_response(request)
        finally:
            logs.end_request(token)
        response.headers[logs.HEADER] = request_id
        metrics.record_request(request, response, perf_counter() - started)
        return response
