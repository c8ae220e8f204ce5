### Finding services. The listing texts themselves are in referrals.ftl.

services-ask-kind = What are you looking for?
services-kind-naloxone = Naloxone (Narcan)
services-kind-syringe = Sterile syringes, supplies
services-kind-treatment = Treatment (methadone, bupe)
services-kind-testing = HIV or hep C testing
services-kind-strips = Fentanyl test strips
services-kind-any = Anything nearby
services-ask-where = What's your ZIP code or neighborhood? I keep it only until this chat expires.
services-where-again = I couldn't find that place. Send a 5-digit ZIP code (like 10001) or the name of your neighborhood.
services-after = Want more?
services-after-last = Another place, only the ones open now, or another kind? Just say it.
services-choice-more = More results
services-choice-elsewhere = Another place
services-choice-menu = Something else
