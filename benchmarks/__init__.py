"""Side-by-side benchmarks: awsbox against moto's server, started in the same
run, driven through boto3 from several client processes.

Run: ``python -m benchmarks.run [--quick] [--big] [--profile]``.
"""
