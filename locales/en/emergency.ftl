### Overdose response. Every medical or legal statement cites the public document it follows in a
### `# Source` comment above it (haven check refuses one that names none; see flows/README.md).
### Keep these GSM-7 (plain quotes, no dashes or emoji): SMS budgets are tight.

# Must fit ONE SMS segment (haven check enforces it).
# Source: CDC "What to Do if You Think Someone is Overdosing" (cdc.gov/stop-overdose/response):
# "administer naloxone ... and call 911", stay with the person; FDA Narcan 4 mg Drug Facts
# (DailyMed setid a0ebc83d-2892-40de-bc0a-775ce90b30db): one device is one dose, in a nostril.
emergency-first = Call 911 now. Give naloxone (Narcan) if you have it: 1 spray in a nostril. Stay with them. Steps coming.

# Said when the overdose was taken on purpose: 911 first, then 988 (the product says so).
# Source: 988lifeline.org/get-help/what-to-expect (call or text 988, 24/7; calls: press 2 for
# Spanish; texts: AYUDA); SAMHSA press release 2023-07-13 (Spanish text and chat at 988).
emergency-988 = If this was on purpose, 911 still comes first. After that, you or they can call or text 988 (Suicide & Crisis Lifeline) any time, 24/7. In Spanish: call 988 and press 2, or text AYUDA.

# Source: SAMHSA Opioid Overdose Prevention Toolkit (SMA18-4742), Five Essential Steps (sternal
# rub; "Someone is unresponsive and not breathing" and the address); FDA Narcan Drug Facts
# (CHECK, GIVE, "Do not test nasal spray device before use", CALL 911, WATCH & GIVE after 2-3
# minutes; one device holds one dose); NARCAN Quick Start Guide, Emergent (lay on the back; each
# new dose with a new spray in the other nostril); CDC "What You Should Know About Xylazine"
# (naloxone "will not cause harm if opioids are not involved").
emergency-steps =
    What to do:
    1. Shout their name and rub your knuckles hard on their breastbone.
    2. Naloxone: lay them on their back, nozzle in a nostril, press the plunger firmly. Don't test it first. It won't hurt if it isn't opioids.
    3. Call 911 on speaker if you haven't. Say "Someone is unresponsive and not breathing" and where you are.
    4. Wait 2-3 minutes. Still not breathing normally? Give another dose with a new device, in the other nostril.

# Rescue breaths for slow, snoring or gurgling breathing; CPR when there is no breathing or only
# gasping. Bystanders never check a pulse (AHA).
# Source: SAMHSA Opioid Overdose Prevention Toolkit (2013), Step 3 (tilt the head, lift the chin,
# pinch the nose, seal the mouth, 2 breaths with the chest rising, then 1 every 5 seconds);
# American Heart Association, Opioid-Associated Emergency for Lay Rescuers algorithm (2020):
# no breathing or only gasping, begin CPR, no pulse check, dispatcher guidance; CDC "What to Do
# if You Think Someone is Overdosing" (on the side to prevent choking; stay).
emergency-breathing = Breathing slow, snoring or gurgling? Give rescue breaths: tilt the head back, lift the chin, pinch the nose, seal your mouth over theirs. 2 breaths (the chest should rise), then 1 every 5 seconds. Not breathing or only gasping? Start CPR: the 911 dispatcher will coach you. Breathing normally? Roll them onto their side. Stay until help arrives.

# Not a medical or legal statement: a question and its choices.
emergency-ask = Tell me how it's going:
emergency-choice-not-breathing = Still not breathing
emergency-choice-wont-wake = Breathing, won't wake
emergency-choice-awake = Awake
emergency-choice-no-naloxone = No naloxone
emergency-choice-911 = What to tell 911
emergency-choice-stimulant = Seizure or overheating
emergency-choice-self = I took it myself
emergency-choice-other = Something else

# Source: FDA Narcan Drug Facts ("give another dose every 2-3 minutes", a new device each time,
# "it is safe to keep giving doses"); American Heart Association, Opioid-Associated Emergency
# for Lay Rescuers algorithm (2020: no breathing or only gasping, CPR; compressions, breaths if
# trained; no pulse check); Amaducci et al., JAMA Network Open 2023, naloxone in nitazene
# overdoses (more doses given) [verify].
emergency-not-breathing = Give another dose with a new device in the other nostril every 2-3 minutes: each device holds 1 dose, and it is safe to keep giving them. Strong opioids like nitazenes may need several. Not breathing or only gasping? Keep up CPR: push hard and fast in the middle of the chest; if you know how, 2 breaths after every 30 pushes. Stay on the line: 911 will coach you.

# Breathing but not waking: the unsafe answer was to keep dosing and rescue-breathing.
# Source: CDC "What You Should Know About Xylazine" (naloxone still given; effects of xylazine
# may continue after naloxone); FDA, "FDA warns about the risk of xylazine exposure in humans"
# (2022 alert: naloxone does not reverse xylazine; keep giving it for the opioid); CDC "What to
# Do if You Think Someone is Overdosing" (on their side to prevent choking); American Heart
# Association, Opioid-Associated Emergency for Lay Rescuers (breathing normally: keep the
# airway open and watch breathing and responsiveness).
emergency-wont-wake = Breathing but won't wake? Roll them onto their side: top knee bent, head resting on a hand. Watch their breathing and stay close. Give another dose (new device) only if breathing slows, gets shallow or stops. Xylazine (tranq) can keep someone asleep even while naloxone is working. If breathing stops: CPR, and 911 will coach you.

# Source: FDA Narcan Drug Facts (people may wake "shaking, sweating, nausea, or feeling angry";
# another dose if they become very sleepy again; a new device each time); FDA naloxone
# prescribing information ("Risk of Recurrent Respiratory and CNS Depression": it can wear off
# before the opioid); "30-90 minutes": bringnaloxonehome.org FAQ (not FDA wording).
emergency-awake = Good. Stay with them until help arrives. If they're drowsy, keep them on their side and watch their breathing. They may wake up shaking, sweating, sick or angry; that's expected. Naloxone can wear off in 30-90 minutes, before the opioid does: if breathing slows or they get very sleepy again, give another dose with a new device.

# Source: SAMHSA Overdose Prevention and Response Toolkit (2025, PEP23-03-00-001): tell
# responders what was given, stay, the overdose can return; FDA naloxone prescribing information
# (recurrent respiratory depression when naloxone wears off).
emergency-after = When help comes, tell them you gave naloxone and how many doses. Let the person know: using again right away is risky, because the overdose can come back when naloxone wears off.

# Source: American Heart Association, Opioid-Associated Emergency for Lay Rescuers (2020: no
# breathing or only gasping, CPR; dispatcher guidance); SAMHSA Opioid Overdose Prevention
# Toolkit (2013), Step 3 rescue breathing and "Do's and Don'ts" (no cold bath, no vomiting,
# inject nothing, stay); CDC "What to Do if You Think Someone is Overdosing" (on the side; stay).
emergency-no-naloxone = No naloxone: call 911 now. Not breathing or only gasping? Start CPR; the dispatcher will coach you. Breathing slow or snoring? Give rescue breaths: head back, pinch the nose, seal your mouth over theirs, 1 breath every 5 seconds. Breathing on their own? Put them on their side and stay with them. Ask anyone nearby for naloxone. Don't put them in a cold bath, make them vomit or inject anything.

# No per-state legal advice. The immigration sentence has no public source yet [verify].
# Source: SAMHSA Opioid Overdose Prevention Toolkit, "Call 911" ("Someone is unresponsive and
# not breathing"; give the address); Washington State DOH naloxone handout (no need to mention
# drugs); CDC "What to Do if You Think Someone is Overdosing" ("Most states have laws that may
# protect" the caller and the person); SAMHSA CAPT "Preventing the Consequences of Opioid
# Overdose: Understanding 911 Good Samaritan Laws" (they vary by state; usually low-level
# possession only).
emergency-what-to-say = Say "Someone is unresponsive and not breathing" and give the address, or describe where you are. You don't have to mention drugs, but do tell them if you gave naloxone. Most states have Good Samaritan laws that may protect you and the person from some drug charges when you call. What they cover differs by state, and they don't cover immigration matters.

# Source: SAMHSA Overdose Prevention and Response Toolkit (2025, PEP23-03-00-001), stimulant
# overdose (overheating, chest pain, seizure; call 911; naloxone if opioids may be present);
# National Harm Reduction Coalition, "Responding to Stimulant Overamping" (harmreduction.org:
# cool with wet cloths and a fan; during a seizure clear the space, don't restrain, nothing in
# the mouth; recovery position after). Check the wording with a clinician.
emergency-stimulant = Too much meth, coke or crack can cause overheating, chest pain, a racing heart or a seizure. Call 911. During a seizure: clear the space, don't hold them down, put nothing in their mouth; after it, roll them onto their side. Cool them with wet cloths and a fan. Opioids may be in the supply: if they're hard to wake or breathing slowly, give naloxone.

# The person texting took too much themself: bystander steps ("stay with them") don't fit.
# Source: poisonhelp.hrsa.gov (Poison Help 1-800-222-1222: free, confidential, 24/7,
# interpreters; "If someone is unconscious or has trouble breathing, call 911"); CDC "What to Do
# if You Think Someone is Overdosing" (call 911; someone should stay with the person).
emergency-self = If you took too much yourself: call 911 now, even if you feel OK right now. Unlock the door. Tell someone near you what you took, show them your naloxone, and ask them to stay with you. Pills that aren't opioids? Poison Help (1-800-222-1222) says what to do, free, 24/7. Trouble breathing or very sleepy: 911.

# Not a medical or legal statement: a question and its choices.
emergency-self-ask = Is someone with you? They can follow the steps here.
emergency-choice-someone = Someone is with me
