from shop.writer import Writer


def describe_all(products):
    return [Writer().describe(p) for p in products]


def name_catalog(products):
    return Writer().title(", ".join(products))
