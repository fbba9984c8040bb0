from wizard.cli.entry import main

raise SystemExit(main())
