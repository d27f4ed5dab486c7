"""Run by python-watch.test.ts: watches a batch through a proxy whose connections the test cuts right
after the first update, then watches the same document undisturbed, and prints one JSON line:
{"seen": [sequences through the proxy], "undisturbed": [...], "reconnects": n, "cursor": last cursor}.
Environment: DOCMESH_URL (the proxy), DOCMESH_DIRECT_URL, DOCMESH_CUT_URL.
"""

import json
import os
import threading
import time
import urllib.request

from docmesh.ingestion.v1 import ingestion_service_pb2 as ingestion
from docmesh_sdk import Docmesh

direct = Docmesh(os.environ["DOCMESH_DIRECT_URL"])
proxied = Docmesh(os.environ["DOCMESH_URL"])
batch = direct.ingestion.create_batch(ingestion.CreateBatchRequest(display_name="python cut")).batch.name


def upload_soon() -> None:
    time.sleep(0.3)  # let the watch open first
    direct.ingestion.upload_document(
        ingestion.UploadDocumentRequest(
            file_name="python-cut.txt", content=b"Receipt R-91 from Curlew Cafe, paid 7.40 EUR.", batch=batch
        )
    )


threading.Thread(target=upload_soon).start()
reconnects = []
watch = proxied.watch(batch, initial_backoff_s=0.05, on_reconnect=lambda error, attempt: reconnects.append(error.code.value))
document, seen = "", []
for event in watch:
    if event.update is None:
        continue
    document = event.update.document
    seen.append(event.update.sequence)
    if len(seen) == 1:  # right after the first update: the rest must come over a new connection
        urllib.request.urlopen(os.environ["DOCMESH_CUT_URL"]).read()

undisturbed = [event.update.sequence for event in direct.watch(document) if event.update]
cursor = {c.document: c.after_sequence for c in watch.cursors()}[document]
print(json.dumps({"seen": seen, "undisturbed": undisturbed, "reconnects": watch.reconnects, "codes": reconnects, "cursor": cursor}))
