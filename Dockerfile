FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY simulator ./simulator
COPY services ./services
COPY policies ./policies
COPY scenarios ./scenarios
RUN pip install --no-cache-dir .
ENV AWSBOX_DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 4566
HEALTHCHECK --interval=5s --timeout=3s --retries=10 CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:4566/_awsbox/health')"
CMD ["awsbox", "serve", "--host", "0.0.0.0", "--port", "4566"]
