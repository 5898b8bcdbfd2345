import time, torch
from ssm.constructions.certify import certify, CertificationRefused, NotCertified
from automata.random_dfa import random_dfa
for name in ["tomita3","word_problem_s3","parity","tomita4","aaaa_star"]:
    for fam in ["ssm_nonnegative","ssm_signed","ssm_complex","ssm_time_invariant","lrnn_householder","lstm"]:
        t=time.time()
        try:
            r = certify(name, fam, check_length=300, strings=5)
            print(name, fam, r.layers, r.width, r.min_layers, r.accuracy, r.construction, round(time.time()-t,2))
        except CertificationRefused as e:
            print(name, fam, "REFUSED", e.verdict, str(e)[:80])
