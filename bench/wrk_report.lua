-- Prints what bench/pages.py reads: requests, duration, p50/p95 latency, errors.
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format("BENCH requests=%d duration_us=%d p50_us=%d p95_us=%d errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), errors))
end
