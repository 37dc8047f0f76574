"""A pipeline a scheduler starts every morning, and a route starts in the background: its loop over
the new postings is batch work (nobody awaits the scores, they are stored), four coroutines up, one
of which awaits itself again to retry a dropped connection. A course a user asks for, made in the
background and by nothing else, is that user's request: live work."""
import asyncio

from anthropic import AsyncAnthropic
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from fastapi import APIRouter, Request

client = AsyncAnthropic()
router = APIRouter()
scheduler = AsyncIOScheduler()
DB = None


async def score(posting):
    reply = await client.messages.create(model="claude-sonnet-4-6", max_tokens=300,  # TB401
                                         messages=[{"role": "user", "content": f"Score this posting: {posting}"}])
    return reply.content[0].text


async def score_new(db):
    for posting in await db.fetch_new():
        await db.save(posting, await score(posting))


async def scrape(db):
    await db.refresh()
    await score_new(db)


async def run_stages(db):
    await scrape(db)


async def pipeline(db, retries=0):
    try:
        await run_stages(db)
    except ConnectionError:
        if retries < 2:
            await pipeline(db, retries + 1)


async def daily_run():
    await pipeline(DB)


scheduler.add_job(daily_run, "cron", hour=6)


@router.post("/run")
async def run_now(request: Request):
    asyncio.create_task(pipeline(DB))  # answers at once: the run goes on in the background
    return {"started": True}


async def write_lesson(topic):
    reply = await client.messages.create(model="claude-sonnet-4-6", max_tokens=2000,
                                         messages=[{"role": "user", "content": f"Write a lesson on {topic}"}])
    return reply.content[0].text


async def build_course(course):
    for topic in course["topics"]:
        await DB.save(course["id"], await write_lesson(topic))


@router.post("/courses")
async def new_course(request: Request, course: dict):
    asyncio.create_task(build_course(course))  # the user's own course, made in the background: their request
    return {"status": "generating"}
