from symconv.launch import main

raise SystemExit(main())
