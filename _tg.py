import time, torch
from ssm.constructions.groups import build_group_cascade, build_length_periodic
for name, gate in [("parity","signed"),("mod_3","complex"),("word_problem_s3","complex"),("word_problem_d4","signed"),("word_problem_d4","complex"),("word_problem_q8","signed"),("word_problem_a4","complex"),("word_problem_s4","complex"),("word_problem_z4","signed")]:
    t=time.time()
    c = build_group_cascade(name, gate=gate)
    r = c.check(2000, 20)
    print(name, gate, c.layers, c.width, c.info["series_orders"], len(c.gates), r.accuracy, r.oracle, round(time.time()-t,2))
c = build_length_periodic("aaaa_star"); print(c.check(1000, 5).accuracy, c.gates)
try: build_group_cascade("word_problem_a5")
except Exception as e: print(type(e).__name__, e)
