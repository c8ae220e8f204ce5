### Safer use. Practical, no lectures. Each medical statement cites the public document it
### follows in a `# Source` comment above it.

# Not a medical or legal statement: a question and its choices.
saferuse-intro = Some ways to use more safely. What would you like to know?
saferuse-choice-strips = Fentanyl test strips
saferuse-choice-alone = Not using alone
saferuse-choice-mixing = Mixing drugs
saferuse-choice-tolerance = Tolerance after a break
saferuse-choice-supplies-care = New supplies, wound care
saferuse-choice-tranq = Tranq and nitazenes
saferuse-choice-stimulants = Meth, coke, crack
saferuse-choice-supplies = Where to get supplies
saferuse-choice-menu = Something else

# Source: CDC "Fentanyl Test Strips: A Harm Reduction Strategy" (10 mg in a clean dry container;
# 1/2 teaspoon of water, 1 teaspoon for methamphetamine; dip the wavy end ~15 s; lay flat 2-5 min).
saferuse-strips = Fentanyl test strips: put at least 10 mg of your drug in a clean, dry container. Add 1/2 teaspoon of water (1 teaspoon for meth) and mix. Dip the wavy end in for about 15 seconds, then lay the strip flat for 2-5 minutes.

# Source: CDC "Fentanyl Test Strips: A Harm Reduction Strategy" (one line = positive; two lines
# = negative; no line or only a line on the right = invalid; a negative result is not a
# guarantee).
saferuse-strips-read = Reading it: 1 line = fentanyl found. 2 lines = none found. No line, or only the right-hand line: the test didn't work. A negative result is not a guarantee, so keep naloxone close and don't use alone.

# The Never Use Alone number and how the line works come from secondary sources only [verify].
# Source: Kentucky findnaloxone.ky.gov (someone with you who has naloxone and isn't using at the
# same time; start low, go slow); neverusealone.com (1-800-484-3731: a volunteer stays on the
# line, takes your location, and sends EMS if you stop responding).
saferuse-alone = If you can, don't use alone: be with someone who has naloxone, isn't using at the same time, and knows how to give it. Start low and go slow. Using alone? Call Never Use Alone at 1-800-484-3731 before you use: someone stays on the phone and asks where you are. If you stop answering, they send an ambulance there.

# Source: Kentucky findnaloxone.ky.gov (avoid mixing with alcohol or benzodiazepines); SAMHSA
# Overdose Prevention and Response Toolkit (2025, PEP23-03-00-001: combining opioids with
# alcohol, benzodiazepines or other sedatives slows breathing; naloxone reverses only opioids).
saferuse-mixing = Mixing opioids with alcohol, benzos (like Xanax) or other downers raises the risk of overdose a lot: they all slow your breathing. If you mix, use less, go slow, don't use alone, and keep naloxone close. Naloxone only reverses the opioid, so call 911 too.

# Source: SAMHSA Opioid Overdose Prevention Toolkit (SMA18-4742: reduced tolerance after
# detoxification, release from incarceration or stopping treatment raises overdose risk);
# SAMHSA Overdose Prevention and Response Toolkit (2025, PEP23-03-00-001).
saferuse-tolerance = Tolerance drops fast after a break: days or weeks in jail or prison, treatment, detox or a hospital. The amount you used before can now be too much. Start with much less, go slow, don't use alone, and keep naloxone with you.

# Source: CDC "HIV and Injection Drug Use" (cdc.gov/hiv: new sterile syringes and equipment each
# time; never share needles, syringes, cookers, cottons or water); CDC "Syringe Services
# Programs (SSPs) FAQs" (free sterile supplies); National Harm Reduction Coalition
# (harmreduction.org: your own pipe or straw).
saferuse-supplies = Use new supplies every time: needle, syringe, cooker, cotton and water, and your own pipe or straw. Don't share or reuse them, even with a partner: HIV and hepatitis C spread that way. Syringe services programs give new supplies for free; ask me where.

# Source: National Harm Reduction Coalition, "Getting Off Right: A Safety Manual for Injection
# Drug Users" (harmreduction.org: wash hands and site, rotate sites, signs of infection); CDC
# "What You Should Know About Xylazine" (wounds away from injection sites; seek care).
saferuse-wounds = Wound and vein care: wash your hands and the spot first, rotate spots, and go slow. A spot that gets red, hot, swollen or painful, has pus, or comes with a fever may be infected: get it looked at early. Tranq wounds can show up away from where you inject; keep them covered and get care.

# Source: SAMHSA Overdose Prevention and Response Toolkit (2025, PEP23-03-00-001: stimulants
# mixed with fentanyl; signs of stimulant overdose; call 911); National Harm Reduction Coalition,
# "Stimulant Overamping Basics" (harmreduction.org: rest, water, food, sleep).
saferuse-stimulants = Meth, coke and crack are often mixed with fentanyl: carry naloxone, test with strips, and don't use alone. Too much can overheat you or bring on a heart attack: take breaks, drink water, eat and sleep when you can. Overheating, chest pain, a racing heart or a seizure mean 911.
