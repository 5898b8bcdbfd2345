import time
from automata import DFA, get_language, list_languages
from automata.holonomy import holonomy
from automata.random_dfa import random_dfa
print(holonomy(DFA("ab", [[1, 0], [0, 0]], 0, [0])).to_dict())
for name in list_languages():
    L = get_language(name)
    if L.dfa is None: continue
    t=time.time()
    try:
        h = holonomy(L.dfa)
        print(name, L.dfa.n_states, h.to_dict()["levels"], [c.group_order for c in h.components], len(h.decode), h.check(), round(time.time()-t,2))
    except Exception as e:
        print(name, "ERR", e)
bad=0
for seed in range(300):
    d = random_dfa(1+seed%6, "abc"[:1+seed%3], seed)
    h = holonomy(d)
    if not h.check(): bad+=1
print("bad", bad)
