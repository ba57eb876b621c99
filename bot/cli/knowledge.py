"""`knotbot kb ...`: load, check and query the trigger point knowledge base."""

from __future__ import annotations

import argparse
import sys
from collections import Counter

from sqlalchemy.exc import OperationalError, ProgrammingError

from actions.knowledge.database import engine
from actions.knowledge.migrate import current_revision, downgrade, upgrade
from actions.knowledge.pain import CAUSES, read_regions
from actions.knowledge.rank import KnowledgeBase
from actions.knowledge.seed import SEED, SeedError, check, load
from actions.settings import database_url
from actions.triage.places import usual_places


def add_commands(commands: argparse._SubParsersAction) -> None:
    kb = commands.add_parser("kb", help="the trigger point knowledge base")
    kb.add_argument("--database-url", help="SQLAlchemy URL (default: DATABASE_URL or SQLite)")
    actions = kb.add_subparsers(dest="kb_command", required=True)
    actions.add_parser("load", help="migrate the schema and load data/knowledge/muscles.yml")
    actions.add_parser("check", help="validate the seed without loading it")
    migrate = actions.add_parser("migrate", help="upgrade (or downgrade) the schema")
    migrate.add_argument("--downgrade", metavar="REVISION", help="e.g. base")
    where = actions.add_parser("where", help='the likely muscles for pain "in the heel"')
    where.add_argument("words", help="where it hurts, in your own words")
    refers = actions.add_parser("refers-to", help="the likely muscles for region codes")
    refers.add_argument("regions", nargs="+", help="region codes, e.g. heel calf")
    for query in (where, refers):
        query.add_argument("--cause", choices=CAUSES)
        query.add_argument("--limit", type=int, default=3)
    muscle = actions.add_parser("muscle", help="everything the knowledge base says of a muscle")
    muscle.add_argument("code", help="e.g. soleus")


def run(args: argparse.Namespace, say) -> None:
    url = args.database_url or database_url()
    try:
        _run(args, url, say)
    except SeedError as error:
        sys.exit(f"knotbot: the knowledge base seed is not valid: {error}")
    except (OperationalError, ProgrammingError) as error:
        if "kb_" not in str(error):
            raise
        sys.exit(
            "knotbot: the knowledge base is not loaded in this database; "
            "run `knotbot kb load` (make run does)."
        )


def _run(args: argparse.Namespace, url: str, say) -> None:
    kb = KnowledgeBase(engine(url))
    if args.kb_command == "load":
        load_knowledge_base(url, say)
    elif args.kb_command == "check":
        entries = check()
        covered = Counter(r["region"] for entry in entries for r in entry["refers"])
        fewest = min(covered[code] for code in read_regions())
        say(
            f"{SEED.name} is valid: {len(entries)} muscles; every region has at least "
            f"{fewest} muscles referring pain to it"
        )
    elif args.kb_command == "migrate":
        if args.downgrade:
            downgrade(kb.engine, args.downgrade)
        else:
            upgrade(kb.engine)
        say(f"Schema at revision {current_revision(kb.engine) or 'base (empty)'}")
    elif args.kb_command == "where":
        regions = _regions_in(args.words)
        if not regions:
            sys.exit(f"knotbot: no body region found in {args.words!r}; try e.g. 'heel'")
        _print_ranking(kb, regions, args.cause, args.limit)
    elif args.kb_command == "refers-to":
        unknown = [code for code in args.regions if code not in read_regions()]
        if unknown:
            sys.exit(f"knotbot: unknown region code {', '.join(unknown)}; see data/regions.yml")
        _print_ranking(kb, args.regions, args.cause, args.limit)
    elif args.kb_command == "muscle":
        _print_muscle(kb, args.code)


def load_knowledge_base(url: str, say) -> None:
    count = load(engine(url))
    say(f"Knowledge base loaded: {count} muscles into {_safe_url(url)}")


def _safe_url(url: str) -> str:
    """The database URL without its password, fit for the terminal."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _regions_in(words: str) -> list[str]:
    """The regions the words name, read by the same lexicon as the bot's."""
    # spaCy and TensorFlow take seconds to import: only `kb where` needs them
    from bot.server.launch import build_lexicon, lexicon_pipeline
    from bot.server.nlu.lexicon import entities

    nlp = lexicon_pipeline() or lexicon_pipeline(build_lexicon())
    found = entities(nlp, words)
    specific = [e["value"] for e in found if e["entity"] == "body_region"]
    vague = [e["value"] for e in found if e["entity"] == "vague_region"]
    return list(dict.fromkeys(specific + usual_places(vague)))


def _print_ranking(kb: KnowledgeBase, regions: list[str], cause: str | None, limit: int) -> None:
    labels = read_regions()
    print("Pain in: " + ", ".join(f"{labels[code]} ({code})" for code in regions), end="")
    print(f"; cause: {cause}" if cause else "")
    for number, muscle in enumerate(kb.rank(regions, cause, limit=limit), start=1):
        print(f"{number:2}. {muscle.code} ({muscle.name}), score {muscle.score}")
        print(f"    {muscle.reason}")


def _print_muscle(kb: KnowledgeBase, code: str) -> None:
    cards = kb.cards([code])
    if not cards:
        sys.exit(f"knotbot: no muscle {code!r} in the knowledge base")
    card = cards[0]
    print(f"{card.name} ({card.code})")
    for title, text in (
        ("Trigger points", " ".join(card.locations)),
        ("Refers pain to", ", ".join(kb.referrals(card.code))),
        ("Pressure", card.pressure),
        ("Stretch", card.stretch),
        ("Cautions", "; ".join(card.cautions) or "none known"),
        ("Mimics (see a doctor)", "; ".join(card.mimics) or "none listed"),
        ("Source", card.source),
    ):
        print(f"  {title}: {text}")
