"""A weekly digest: the five best papers are summarized (a handful), the top fifty go to a shortlist."""

from app.llm import summarize_pick, summarize_shortlist

papers = [{"abstract": a, "score": len(a)} for a in open("abstracts.txt")]

top5 = sorted(papers, key=lambda p: p["score"], reverse=True)[:5]
for paper in top5:
    print(summarize_pick(paper))

shortlist = sorted(papers, key=lambda p: p["score"], reverse=True)[:50]
for paper in shortlist:
    print(summarize_shortlist(paper))
