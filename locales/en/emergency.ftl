### Overdose response. Medical statements follow ../shared/content-sources.md §1; each text
### cites its source. Keep these GSM-7 (plain quotes, no dashes or emoji): SMS budgets are tight.

# Source: CDC "What to Do if You Think Someone is Overdosing" (cdc.gov/stop-overdose/response):
# "administer naloxone ... and call 911"; FDA Narcan 4 mg Drug Facts (DailyMed a0ebc83d-...):
# one device is one dose, sprayed into a nostril; "stay" until help comes.
# Must fit ONE SMS segment (haven check enforces it).
emergency-first = Call 911 now. Give naloxone (Narcan) if you have it: 1 spray in a nostril. Stay with them. Steps coming.

# Source: 988lifeline.org (call or text 988, 24/7); PRODUCT.md: a deliberate overdose is an
# emergency whose reply also offers 988.
emergency-988 = If this was on purpose, 911 still comes first. After that, you or they can call or text 988 (Suicide & Crisis Lifeline) any time, 24/7.

# Source: SAMHSA Opioid Overdose Prevention Toolkit (SMA18-4742), Five Essential Steps (sternal
# rub; what to say to 911); FDA Narcan Drug Facts (CHECK, GIVE, "Do not test nasal spray device
# before use", CALL 911, WATCH & GIVE every 2-3 minutes); NARCAN Quick Start Guide (lay on back,
# other nostril for each new dose).
emergency-steps =
    What to do:
    1. Shout their name and rub your knuckles hard on their breastbone.
    2. Naloxone: lay them on their back, put the nozzle in a nostril, press the plunger firmly. Don't test it first.
    3. Call 911 on speaker if you haven't. Say "Someone is unresponsive and not breathing" and where you are.
    4. Wait 2-3 minutes. No response? Give another dose in the other nostril.

# Source: SAMHSA toolkit 2013, Step 3 (rescue breathing: tilt head, pinch nose, 1 breath every
# 5 seconds); CDC ("Lay the person on their side to prevent choking"; stay with the person);
# FDA Narcan Drug Facts (STAY until the ambulance comes, even if the person wakes up).
emergency-breathing = If they aren't breathing: tilt the head back, pinch the nose, and give 1 breath every 5 seconds. Once they breathe, roll them onto their side so they don't choke. Stay until help arrives, even if they wake up.

# Source: none needed (a question), but kept with the flow's texts.
emergency-ask = Tell me how it's going:
emergency-choice-not-breathing = Still not breathing
emergency-choice-awake = Breathing or awake
emergency-choice-no-naloxone = No naloxone
emergency-choice-911 = What to tell 911
emergency-choice-other = Something else

# Source: FDA Narcan Drug Facts ("give another dose every 2-3 minutes"; "it is safe to keep
# giving doses"); SAMHSA toolkit 2013 Step 3 (1 breath every 5 seconds); ASAM 2025 patient
# guide (no pulse: CPR; follow the dispatcher).
emergency-not-breathing = Give another naloxone dose in the other nostril every 2-3 minutes; it is safe to keep giving doses. Keep giving 1 breath every 5 seconds. If there is no pulse, do CPR as the 911 dispatcher tells you.

# Source: FDA Narcan Drug Facts (people may wake "shaking, sweating, nausea, or feeling angry";
# give another dose if very sleepy again); FDA prescribing information (naloxone can wear off
# before the opioid); "30-90 minutes": bringnaloxonehome.org FAQ, not FDA wording; CDC (side).
emergency-awake = Good. Keep them on their side and stay until help arrives. They may wake up shaking, sweating, sick or angry; that's expected. Naloxone can wear off in 30-90 minutes, before the opioid does: if they get very sleepy again, give another dose.

# Source: SAMHSA toolkit 2013 Step 3 (rescue breathing); SAMHSA "Do's and Don'ts" (no cold bath,
# no vomiting, inject nothing, keep them warm); FDA 2023 approval of OTC Narcan.
emergency-no-naloxone = Call 911 and give rescue breaths: tilt the head back, pinch the nose, 1 breath every 5 seconds. Ask anyone nearby for naloxone. Don't put them in a cold bath, make them vomit or inject anything. Keep them warm.

# Source: SAMHSA toolkit, "Call 911" ("All you have to say is: Someone is unresponsive and not
# breathing"; give the address); Washington State naloxone handout (no need to mention drugs);
# CDC (most states have Good Samaritan laws that may protect the caller). No per-state advice.
emergency-what-to-say = Say "Someone is unresponsive and not breathing" and give the address or describe where you are. You don't have to mention drugs. Most states have Good Samaritan laws that may protect you and them when you call for help.
