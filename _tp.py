import time, torch
from ssm.constructions.lstm import build_lstm
c = build_lstm("tomita3")
t=time.time(); w = c.sampler(10000, 50, 0); print("sample", time.time()-t)
t=time.time(); p = c.predict(w); print("predict", time.time()-t)
t=time.time(); [c.reference(x) for x in w]; print("ref", time.time()-t)
t=time.time(); [c.automaton_labels(x) for x in w]; print("labels", time.time()-t)
