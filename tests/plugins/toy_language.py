"""A language defined in a plugin file: strings over {a, b} with no 'bb' (star-free)."""
from automata.languages import Language, list_languages, register_language

if "no_bb" not in list_languages():
    register_language("no_bb", lambda: Language.from_regex("~(.*bb.*)", "ab", name="no_bb"))
