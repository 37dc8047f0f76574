"""Flask routes take no parameters: they read the request from the ``request`` global."""
import threading

from flask import Flask, jsonify, request

from app.services.research import categorise, run_research

app = Flask(__name__)


@app.route("/upload", methods=["POST"])
def upload():  # the uploader waits for its own statement's categories: live work
    return jsonify(categorise(request.files["statement"].read().decode().splitlines()))


@app.route("/run/trigger", methods=["POST"])
def trigger_run():  # answers 202 at once; the research run goes on in a thread nobody waits on
    track = (request.get_json(silent=True) or {}).get("track", "all")
    threading.Thread(target=run_research, args=(track,), daemon=True).start()
    return jsonify({"started": track}), 202
