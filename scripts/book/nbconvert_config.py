# nbconvert configuration used by scripts/book.ts (passed with --config).
#
# tslab reports a failed cell to Jupyter without an error name or message: the message is only in
# the cell's stderr. This hook writes the failing cell's index, source and stderr to the file named
# by PGLAB_ERROR_FILE, so that the book build can say which cell failed and why.
import json
import os


def _record_cell_error(cell=None, cell_index=None, execute_reply=None, **kwargs):
    path = os.environ.get("PGLAB_ERROR_FILE")
    if not path or cell is None:
        return
    stderr = "".join(
        o.get("text", "")
        for o in cell.get("outputs", [])
        if o.get("output_type") == "stream" and o.get("name") == "stderr"
    )
    content = (execute_reply or {}).get("content", {})
    with open(path, "w", encoding="utf-8") as f:
        json.dump(
            {
                "cell_index": cell_index,
                "source": cell.get("source", ""),
                "stderr": stderr,
                "ename": content.get("ename"),
                "evalue": content.get("evalue"),
            },
            f,
        )


c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)
c.ExecutePreprocessor.on_cell_error = _record_cell_error
