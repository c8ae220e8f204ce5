### Naloxone how-to, when nobody is overdosing right now. Each medical statement cites the
### public document it follows in a `# Source` comment above it.

# Source: FDA Narcan 4 mg Drug Facts (over the counter since 2023); CDC "What to Do if You Think
# Someone is Overdosing" ("If you aren't sure, treat it like an overdose"); CDC "What You Should
# Know About Xylazine" (naloxone "will not cause harm if opioids are not involved").
naloxone-what = Naloxone (Narcan) reverses an opioid overdose, including fentanyl. The nasal spray is sold without a prescription. It won't hurt someone who hasn't taken opioids, so if you aren't sure it's an overdose, give it.

# Source: NARCAN Quick Start Guide, Emergent (lay on the back, tilt the head back, insert until
# the fingers touch the nose); FDA Narcan Drug Facts (press the plunger firmly; one device holds
# one dose; do not test before use; call 911 right after the first dose).
naloxone-how =
    How to use the nasal spray:
    1. Lay the person on their back and tilt the head back.
    2. Put the nozzle in a nostril until your fingers touch the nose.
    3. Press the plunger firmly. Don't test it first: each device holds one dose.
    4. Call 911.

# Source: NARCAN Quick Start Guide, Emergent (recovery position; each new dose with a new spray
# in the other nostril); FDA Narcan Drug Facts (wait 2-3 minutes, repeat; stay); FDA naloxone
# prescribing information (it can wear off before the opioid); CDC "What You Should Know About
# Xylazine" (the person may stay sedated; breathing is what to watch).
naloxone-after = Then roll them onto their side. Wait 2-3 minutes; if they still aren't breathing normally, give another dose with a new device, in the other nostril. Breathing but not waking? Keep them on their side and watch. Stay with them: naloxone can wear off before the opioid does.

# Not a medical or legal statement: a question and its choices.
naloxone-more = What else would help?
naloxone-choice-signs = Signs of an overdose
naloxone-choice-injection = Injectable naloxone
naloxone-choice-xylazine = Tranq (xylazine)
naloxone-choice-nitazenes = Nitazenes
naloxone-choice-get = Where to get it
naloxone-choice-menu = Something else

# Source: CDC "What to Do if You Think Someone is Overdosing" (signs; "If you aren't sure,
# treat it like an overdose").
naloxone-signs = Signs of an opioid overdose: can't be woken up; slow, shallow or no breathing; choking, gurgling or snoring sounds; blue or gray lips and nails; tiny pupils. Not sure? Treat it like an overdose.

# Harm-reduction sources, not FDA: defer to the kit insert.
# Source: NEXT Distro injectable naloxone handout and Remedy Alliance (nextdistro.org): the whole
# 1 mL vial of 0.4 mg/mL, into the thigh or upper arm, repeat after 2-3 minutes.
naloxone-injection = Injectable naloxone (vial and syringe): draw up the whole 1 mL vial, inject straight into the thigh or upper arm, and repeat after 2-3 minutes if they still aren't breathing. Follow the insert in your kit.

# Source: FDA, "FDA warns about the risk of xylazine exposure in humans" (2022: naloxone does not
# reverse xylazine; keep giving it for the opioid); CDC "What You Should Know About Xylazine";
# CDC MMWR 2025, medetomidine mixed with fentanyl (Chicago, Philadelphia, Pittsburgh); CDC
# "Clinical Implications of Medetomidine Mixed with Opioids" (2025 webinar Q&A).
naloxone-xylazine = Xylazine and medetomidine ("tranq") are animal sedatives found in fentanyl. Naloxone doesn't reverse them, but always give it: it reverses the opioid. Watch the breathing: someone may stay asleep while naloxone works. Breathing? On their side, and stay. Another dose only if breathing slows or stops.

# Source: CDC "What You Should Know About Xylazine" (severe wounds; get care); SAMHSA Overdose
# Prevention and Response Toolkit (2025, PEP23-03-00-001). Where xylazine test strips are
# handed out varies by program [verify].
naloxone-xylazine-care = Tranq can cause wounds that are slow to heal, even away from where you inject. Keep them covered and get them looked at early by a clinic or syringe program. Xylazine test strips exist: ask your local harm reduction program.

# Source: CDC MMWR 2022, "Notes from the Field: Nitazene-Related Deaths, Tennessee, 2019-2021";
# DEA temporary scheduling orders for benzimidazole-opioids (nitazenes), Federal Register;
# Amaducci et al., JAMA Network Open 2023, naloxone in nitazene overdoses (more doses) [verify].
naloxone-nitazenes = Nitazenes are opioids, some stronger than fentanyl, found in fake pills and powders. Naloxone works on them, but it may take more doses: give another with a new device every 2-3 minutes until they breathe normally, and call 911.
