"""Flask routes take no parameters: they read the request from the ``request`` global."""
import threading

from flask import Flask, jsonify, request

from app.services.research import categorise, run_research, summarise_rows, tag_rows

app = Flask(__name__)


@app.route("/upload", methods=["POST"])
def upload():  # the uploader waits for its own statement's categories: live work
    return jsonify(categorise(request.files["statement"].read().decode().splitlines()))


@app.route("/run/trigger", methods=["POST"])
def trigger_run():  # answers 202 at once; the research run goes on in a thread nobody waits on
    track = (request.get_json(silent=True) or {}).get("track", "all")
    threading.Thread(target=run_research, args=(track,), daemon=True).start()
    return jsonify({"started": track}), 202


@app.route("/upload-again", methods=["POST"])
def upload_again():  # the request read through the module: still the uploader's own rows
    import flask

    return jsonify(summarise_rows(flask.request.files["statement"].read().decode().splitlines()))


@app.route("/tag", methods=["POST"])
def tag():  # a thread the view joins before answering: the caller still waits (live work)
    rows = request.get_json()["rows"]
    worker = threading.Thread(target=tag_rows, args=(rows,))
    worker.start()
    worker.join()
    return jsonify({"tagged": len(rows)}), 200
