import time, torch
from ssm.constructions.lstm import build_lstm
for name in ["tomita3","parity","word_problem_s3","flip_flop","d3","mod_5"]:
    for dt in [torch.float32]:
        t=time.time(); c = build_lstm(name, dtype=dt); r = c.check(10000, 50)
        print(name, c.width, c.gates, r.accuracy, round(time.time()-t,2))
