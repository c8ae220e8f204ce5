### Treatment on the person's own terms: medications for opioid use disorder, stopping or cutting
### down, overdose prevention centers, alcohol. Treatment is one option among others, never a
### condition for help; no "you should", no dosing advice. Facts: content-sources.md section 7.

## The three medications

# Source: SAMHSA TIP 63, Medications for Opioid Use Disorder (methadone a full agonist,
# buprenorphine a partial agonist, naltrexone an antagonist); 42 CFR Part 8 (methadone for opioid
# use disorder only at certified opioid treatment programs); Consolidated Appropriations Act, 2023,
# section 1262, the MAT Act (no X-waiver: a DEA registration that includes Schedule III is
# enough); DEA/HHS final rule 90 FR 6504, 2025-01-17 (buprenorphine started by telemedicine,
# audio-only included); FDA Vivitrol label (opioid-free for a minimum of 7-10 days first).
treatment-overview = There are 3 medications for opioid use disorder. Methadone: a full opioid, given at certified clinics. Buprenorphine (Suboxone): a partial opioid any clinician who prescribes controlled drugs can prescribe, even by telehealth. Naltrexone (Vivitrol): a monthly shot that blocks opioids; you need at least 7-10 days off opioids first.

# Source: National Academies of Sciences, Engineering, and Medicine, Medications for Opioid Use
# Disorder Save Lives (2019); SAMHSA TIP 63 (methadone and buprenorphine reduce overdose deaths and
# keep people in care). The choice is the person's: Harm Reduction Coalition principles.
treatment-saves-lives = Methadone and buprenorphine lower the risk of dying from an overdose and help people stay in care. Whether to start, and with which, is your call.

# Source: SAMHSA TIP 63 (methadone: long-acting full agonist; relieves withdrawal and craving);
# 42 CFR Part 8 (given for opioid use disorder only by certified opioid treatment programs, which
# admit patients and may allow take-home doses); NASEM 2019 (fewer overdose deaths).
treatment-methadone = Methadone is a long-acting opioid medicine that eases withdrawal and cravings. For opioid use disorder it is given only at certified opioid treatment programs (OTPs): you start with an intake visit there, and take-home doses can come later. It lowers the risk of dying from an overdose.

# Source: SAMHSA TIP 63 (buprenorphine: partial agonist; relieves withdrawal and craving; taken
# too soon after full agonists it can precipitate withdrawal, so the prescriber decides when to
# start); NASEM 2019 (fewer overdose deaths).
treatment-bupe = Buprenorphine (Suboxone, Sublocade, generics) is a partial opioid: it eases withdrawal and cravings and lowers the risk of dying from an overdose. Starting it too soon after fentanyl, heroin or pills can bring on sudden withdrawal, so ask the prescriber when to take the first dose.

# Source: Consolidated Appropriations Act, 2023, section 1262, the MAT Act, and SAMHSA "Waiver
# Elimination" (no X-waiver; any practitioner whose DEA registration includes Schedule III);
# DEA/HHS final rule "Expansion of Buprenorphine Treatment via Telemedicine Encounter", 90 FR
# 6504, 2025-01-17 (start by telemedicine, audio-only included; effective date delayed to
# 2025-12-31).
treatment-bupe-access = Since 2023 no special waiver is needed: any clinician who can prescribe controlled drugs can prescribe buprenorphine. You can start it through telehealth, including by phone.

# Source: SAMHSA TIP 63 and the FDA Vivitrol label (blocks opioids; opioid-free for a minimum of
# 7-10 days before the first dose or it precipitates withdrawal; after stopping, tolerance is
# reduced and the risk of a fatal overdose is high).
treatment-naltrexone = Naltrexone (Vivitrol, a shot once a month) blocks the effect of opioids. You need to be off all opioids for at least 7-10 days before the first dose, or it brings on withdrawal. After stopping it, tolerance is low: an amount you used to take can cause an overdose.

# Not a medical or legal statement: a question.
treatment-offer = What would help next?

## Wanting to stop or cut down

# Source: Harm Reduction Coalition principles (non-judgmental, non-coercive: the person decides);
# SAMHSA TIP 63 (medications relieve withdrawal and craving; counseling, peer support and
# medically supervised tapering are options alongside them).
treatment-stop = It's your choice, at your pace. Options people use: medications (methadone, buprenorphine, naltrexone) that ease withdrawal and cravings; counseling; peer support from people who've been there; or tapering down slowly with a prescriber. You can combine them, and change your mind.

# Source: Kentucky findnaloxone.ky.gov (keep naloxone near, don't use alone, start low and go
# slow); SAMHSA TIP 63 (tolerance falls after a period without opioids, so a former dose can be
# fatal).
treatment-stop-safer = Meanwhile, if you use: keep naloxone close, try not to use alone, and go slow. After any break or cutting down, your tolerance drops, so your usual amount can cause an overdose.

# Not a medical or legal statement: a question.
treatment-offer-stop = Want to talk it through with someone?

## Alcohol

# Source: SAMHSA, Medication for the Treatment of Alcohol Use Disorder: A Brief Guide (2015)
# (naltrexone, acamprosate and disulfiram are approved); samhsa.gov/find-help/national-helpline
# (1-800-662-4357: free, confidential, 24/7, English and Spanish; referral and information).
treatment-alcohol = For alcohol, 3 medications are approved: naltrexone, acamprosate and disulfiram. They work in different ways; a doctor or clinic can go over which fits what you want. The SAMHSA Helpline, 1-800-662-4357, is free, confidential, 24/7, in English and Spanish.

## Overdose prevention centers

# Source: [verify] NIDA, "Overdose prevention centers" (nida.nih.gov: people use pre-obtained drugs with
# trained staff who respond to overdoses, plus sterile supplies, testing and links to care);
# onpointnyc.org (OnPoint NYC, the first sanctioned US sites, opened 2021-11-30).
# Whether one is near the person comes from the directory, never from this text.
treatment-opc = Overdose prevention centers (also called safe injection or supervised consumption sites) are places where people use drugs they bring, with trained staff ready to respond to an overdose. Many also offer sterile supplies, testing and links to care. There are only a few in the US so far.

# Source: onpointnyc.org and health.ri.gov (the few sanctioned US centers: New York City and
# Providence, Rhode Island); CDC, Syringe Services Programs FAQ (cdc.gov/syringe-services-programs:
# sterile supplies, naloxone, testing). Said after the directory found no center near the person.
treatment-opc-none = Since they're rare, the closest thing is often a syringe services program: sterile supplies, naloxone, and often testing.

# Source: Kentucky findnaloxone.ky.gov (someone with you who has naloxone and isn't using at the
# same time; start low, go slow).
treatment-opc-alone = Wherever you use, try not to use alone: be with someone who has naloxone and isn't using at the same time. Start low and go slow.

## Choices

treatment-choice-find-methadone = Find methadone nearby
treatment-choice-find-bupe = Find buprenorphine nearby
treatment-choice-find-treatment = Find treatment nearby
treatment-choice-find-opc = Find one near me
treatment-choice-find-syringe = Syringe services nearby
treatment-choice-compare = How the 3 medications differ
treatment-choice-medications = About the medications
treatment-choice-person = Talk to a person
treatment-choice-alone = Not using alone
treatment-choice-safer-use = Safer use tips
treatment-choice-menu = Something else
