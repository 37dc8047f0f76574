"""Page readers: the base class loops over a scan's pages; each subclass sends one page to its API.
The only run is the desktop window's (app/desktop/scan_window.py), which picks a subclass: live work."""


class PageReader:
    def read_scan(self, pages):
        return [self.read_page(p) for p in pages]

    def read_page(self, page):
        raise NotImplementedError
