import time, torch
from automata import get_language, list_languages, classify
from ssm.constructions.cascade import build_cascade
for name in ["tomita3","tomita1","tomita2","tomita4","tomita5","tomita7","abab_star","flip_flop","ab_d_bc","d3","a_then_b_only","first_last_same","abcde_star"]:
    for gate in ["nonnegative","signed","complex"]:
        t=time.time()
        try:
            c = build_cascade(name, gate=gate)
            r = c.check(1000, 10)
            print(name, gate, c.layers, c.width, c.gates, r.accuracy, round(time.time()-t,2))
        except Exception as e:
            print(name, gate, type(e).__name__, str(e)[:100])
