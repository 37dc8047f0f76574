"""The user drops a scan on the window and watches each page's text appear: live work, though the
window names only the subclass it picks (``reader.read_scan`` runs ``PageReader.read_scan``)."""
import tkinter as tk

from app.scanning.claude_reader import ClaudeReader, LocalReader


def on_drop(pages, offline):
    if offline:
        reader = LocalReader()
    else:
        reader = ClaudeReader()
    text.insert("end", "\n".join(reader.read_scan(pages)))


root = tk.Tk()
text = tk.Text(root)
tk.Button(root, text="Read", command=lambda: on_drop(root.clipboard_get().split("\f"), False)).pack()
root.mainloop()
