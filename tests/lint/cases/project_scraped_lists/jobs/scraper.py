import requests


def fetch_postings(search_url, pages=2):
    # two pages of listings, each with any number of postings; a posting whose page fails is kept
    # without its description
    postings = []
    for page in range(1, pages + 1):
        for link in requests.get(f"{search_url}?page={page}").json()["links"]:
            try:
                postings.append({"url": link, "text": requests.get(link).text})
            except requests.RequestException:
                postings.append({"url": link, "text": ""})
    return postings
