from eap.cli import main

raise SystemExit(main())
